// What every browser bundle shares (the web extension, its evaluation thread, the browser test suite).
import { builtinModules, createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/*
 * The browser builds. Nothing from Node may reach them: any import of a Node
 * built-in fails the build, naming the module and who imported it, except
 * three with a browser version made for the job: `path` (path-browserify; the
 * shared code uses it on URI paths, which are POSIX), and for the debug
 * adapter library `events` (the npm port of Node's EventEmitter) and `url`
 * (of which it uses only `URL`: src/web/shims/url.ts). `setImmediate` is
 * injected (src/web/shims/setImmediate.ts).
 */

const nodeBuiltins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const browserVersions = {
  path: require.resolve('path-browserify'),
  events: require.resolve('events/'),
  url: new URL('../src/web/shims/url.ts', import.meta.url).pathname,
};
export const noNodeModules = {
  name: 'no-node-modules',
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) => {
      if (!nodeBuiltins.has(args.path)) return undefined;
      const browser = browserVersions[args.path.replace(/^node:/, '')];
      if (browser) return { path: browser };
      return { errors: [{ text: `the browser build must not import the Node module '${args.path}' (imported by ${args.importer})` }] };
    });
  },
};

/** esbuild options for a browser bundle: CommonJS, as VS Code's web extension host loads it. */
export function webOptions(common, production) {
  return {
    ...common,
    platform: 'browser',
    format: 'cjs',
    mainFields: ['browser', 'module', 'main'],
    inject: [new URL('../src/web/shims/setImmediate.ts', import.meta.url).pathname],
    define: { 'process.env.NODE_ENV': production ? '"production"' : '"development"' },
    plugins: [noNodeModules],
  };
}

/** `import source from 'graphstep:web-eval-worker'`: the thread's bundle, built first, as text. */
export function workerSource(text) {
  return {
    name: 'web-eval-worker',
    setup(build) {
      build.onResolve({ filter: /^graphstep:web-eval-worker$/ }, () => ({ path: 'evalWorker.js', namespace: 'web-eval-worker' }));
      build.onLoad({ filter: /.*/, namespace: 'web-eval-worker' }, () => ({ contents: text(), loader: 'text' }));
    },
  };
}
