import { shownErrors } from './errors';

/** Errors as a person reads them; `partial` says the data beside it is incomplete. */
export function ErrorBanner({ error, partial = false }: { error: unknown; partial?: boolean }) {
  const shown = shownErrors(error);
  if (shown.length === 0) return null;
  return (
    <div role="alert" className="error">
      {partial && <strong>Partial answer: some information below is missing. </strong>}
      {shown.map((each) => (
        <p key={each.code} data-code={each.code}>
          {each.text}
        </p>
      ))}
    </div>
  );
}
