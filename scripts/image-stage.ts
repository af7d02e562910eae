/**
 * npm run image:stage -- <dir>: lays the Dockerfile's runtime stage out in <dir> without a
 * Docker engine, so CI can run the image's contents with plain node: its COPY instructions
 * (from the build context, and `--from=build` from this checkout after `npm run build`, the
 * build stage's own commands) and its `npm ci` (production dependencies only). Other RUN
 * instructions (users, folders) only make sense inside an image and are skipped.
 * Hand-written: no npm package interprets a Dockerfile without an engine.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { DockerfileParser, type Copy } from 'dockerfile-ast';

const ROOT = path.resolve(__dirname, '..');
/** The runtime stage's WORKDIR, which the stage folder stands for. */
const IMAGE_ROOT = '/app';

function main(): void {
  const target = process.argv[2];
  if (!target) {
    console.error('usage: npm run image:stage -- <dir>');
    process.exit(2);
  }
  const stage = path.resolve(target);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });

  const instructions = DockerfileParser.parse(readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8')).getInstructions();
  const runtimeStart = instructions.map((instruction) => instruction.getKeyword()).lastIndexOf('FROM');
  const inStage = (imagePath: string): string => path.join(stage, path.posix.relative(IMAGE_ROOT, path.posix.resolve(IMAGE_ROOT, imagePath)));

  for (const instruction of instructions.slice(runtimeStart + 1)) {
    const keyword = instruction.getKeyword();
    const args = instruction.getArguments().map((argument) => argument.getValue());
    if (keyword === 'COPY') {
      const fromBuild = (instruction as Copy).getFlags().some((flag) => flag.getName() === 'from' && flag.getValue() === 'build');
      const destination = args.at(-1)!;
      for (const source of args.slice(0, -1)) {
        const from = fromBuild ? path.join(ROOT, path.posix.relative(IMAGE_ROOT, source)) : path.join(ROOT, source);
        if (!existsSync(from)) throw new Error(`COPY ${source}: ${path.relative(ROOT, from)} does not exist (run npm run build first?)`);
        const to = destination.endsWith('/') ? path.join(inStage(destination), path.basename(source)) : inStage(destination);
        mkdirSync(path.dirname(to), { recursive: true });
        cpSync(from, to, { recursive: true });
      }
    } else if (keyword === 'RUN') {
      for (const command of args
        .join(' ')
        .split('&&')
        .map((part) => part.trim().split(/\s+/))) {
        if (command[0] !== 'npm' || command[1] !== 'ci') {
          console.log(`skipped: ${command.join(' ')}`);
          continue;
        }
        console.log(`running: ${command.join(' ')}`);
        // The npm cache already holds every package after the checkout's own npm ci.
        execFileSync('npm', [...command.slice(1), '--prefer-offline'], {
          cwd: stage,
          stdio: 'inherit',
          env: { ...process.env, NODE_ENV: 'production' },
        });
      }
    }
  }
  console.log(`runtime stage laid out in ${stage}`);
}

main();
