// esbuild plugins for the Lambda bundles (serverless.yml `custom.esbuild.plugins`; bench:cold uses the same).
const path = require('node:path');

/**
 * zod's public namespace (`import { z } from 'zod'`, which Powertools' parser schemas use) re-exports every
 * locale, about 170 kB of a webhook's bundle. Aviary's messages are English: the locale index is cut to `en`,
 * the default zod configures itself with.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => ({
      contents: "export { default as en } from './en.js';",
      resolveDir: path.dirname(args.path),
      loader: 'js',
    }));
  },
};

/**
 * The configuration built into each bundle: lib/config/packaged-config.ts becomes the data of aviary.config.yaml
 * (the file package.patterns puts beside the handler), parsed here, once, at build time. The function validates
 * it at cold start as before, but ships no YAML parser (about 110 kB of every bundle), and a file that is not
 * YAML fails the package instead of every cold start. AVIARY_CONFIG_BUILD, when set at build time, names another file.
 */
const configAtBuildTime = {
  name: 'config-at-build-time',
  setup(build) {
    build.onLoad({ filter: /[\\/]lib[\\/]config[\\/]packaged-config\.ts$/ }, (args) => {
      const root = build.initialOptions.absWorkingDir ?? process.cwd();
      const file = path.resolve(root, process.env.AVIARY_CONFIG_BUILD ?? 'aviary.config.yaml');
      const text = require('node:fs').readFileSync(file, 'utf8');
      const doc = require('yaml').parseDocument(text);
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
      const name = JSON.stringify(`${path.basename(file)} (built into the bundle)`);
      return {
        contents: [
          "import { configFromData } from './config-from-data.js';",
          `const DATA = ${JSON.stringify(doc.toJS())};`,
          `export function packagedConfig() { return configFromData(DATA, ${name}); }`,
        ].join('\n'),
        resolveDir: path.dirname(args.path),
        loader: 'ts',
        watchFiles: [file],
      };
    });
  },
};

/**
 * On Lambda the runtime puts the function role's credentials in the environment (AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN) and nowhere else, so the SDK's default chain (profiles, SSO, login,
 * process, web identity, container and instance metadata, and the STS/SSO clients they bring: about 80 kB of every
 * bundle) has nothing to find but the environment. The clients' default provider is resolved to the SDK's own
 * `fromEnv`; a credential passed explicitly (AssumeRole's `fromTemporaryCredentials`) is used as before.
 */
const lambdaEnvironmentCredentials = {
  name: 'lambda-environment-credentials',
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({
      path: 'lambda-environment-credentials',
      namespace: 'aviary',
    }));
    build.onLoad({ filter: /^lambda-environment-credentials$/, namespace: 'aviary' }, () => ({
      contents: [
        "import { fromEnv } from '@aws-sdk/credential-providers';",
        'export const defaultProvider = (init = {}) => fromEnv(init);',
      ].join('\n'),
      resolveDir: build.initialOptions.absWorkingDir ?? process.cwd(),
      loader: 'js',
    }));
  },
};

module.exports = [zodEnglishOnly, configAtBuildTime, lambdaEnvironmentCredentials];
