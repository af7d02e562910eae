// negotiator ships no types; the one call made of it.
declare module 'negotiator' {
  export default class Negotiator {
    constructor(request: { headers: Record<string, string | undefined> });
    mediaType(available: string[]): string | undefined;
  }
}
