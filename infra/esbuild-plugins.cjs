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

module.exports = [zodEnglishOnly];
