/**
 * The architecture, as rules on imports (`npm run lint:imports`, part of `npm test`).
 *
 * A webhook's way through src/: intake/ (the route and its guards) → vendors/ (one folder per
 * vendor: payload adapter and signature scheme) → messages/ (the normalized message every side
 * shares) → inbox/ (the durable store port and its drivers) → delivery/ (the worker, retry
 * policy, flow control and the admin's pause) → b2c/ (Connect REST client, incident service) and
 * conversations/ (follow-ups, agents' replies as SMS). Around it: allowlist/, auth/, admin/,
 * admin-config/, admin-console/, admin-messages/, dead-letters/, refusals/ (the problem filter
 * and the refusal log), alerts/, health/, metrics/, tracing/, openapi/, throttle/, secrets/,
 * storage/, config/ and common/. emulators/ holds the stand-ins for B2C Service and OCI Vault
 * that `npm start` and the tests run. The composition root (src/*.ts: the app module, the
 * PostgreSQL schema that names every store's tables, the embedded services) may import anything;
 * nothing in a folder imports it. Each folder's README says what it owns and what it may import.
 */

/** Code that ships: not specs and not fixtures (both are excluded from the build). */
const SHIPPED = '^src/.+';
const NOT_SHIPPED = ['\\.spec\\.ts$', '/fixtures/'];

/** The leaf folders config/ may read: settings syntax that belongs to a feature. */
const SETTINGS_PARSERS = [
  '^src/allowlist/inbound/rules/',
  '^src/allowlist/outbound/targets/',
  '^src/secrets/reference/',
  '^src/messages/',
];

module.exports = {
  forbidden: [
    {
      name: 'no-file-cycles',
      severity: 'error',
      comment: 'A file never reaches itself through its imports.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-folder-cycles',
      scope: 'folder',
      severity: 'error',
      comment: 'Folders import in one direction.',
      from: { path: '^src/[^/]+/' },
      to: { circular: true },
    },
    {
      name: 'root-is-composition',
      severity: 'error',
      comment: 'Nothing in a folder imports the composition root (src/*.ts): it imports them.',
      from: { path: '^src/[^/]+/' },
      to: { path: '^src/[^/]+\\.ts$' },
    },
    {
      name: 'shipped-code-not-tests',
      severity: 'error',
      comment: 'Nothing that ships imports test/ (specs and fixtures beside the code may).',
      from: { path: SHIPPED, pathNot: NOT_SHIPPED },
      to: { path: '^test/' },
    },
    {
      name: 'features-not-emulators',
      severity: 'error',
      comment:
        'Feature folders talk to B2C and OCI Vault through their ports, never to the emulators; ' +
        'the composition root (src/*.ts) wires the emulators in for the embedded defaults.',
      from: { path: '^src/[^/]+/', pathNot: ['^src/emulators/', ...NOT_SHIPPED] },
      to: { path: '^src/emulators/' },
    },
    {
      name: 'emulators-stand-alone',
      severity: 'error',
      comment:
        'An emulator imitates a service from its documentation, not from our code: it may use ' +
        'common helpers and the ports it fulfils, nothing of the features behind them.',
      from: { path: '^src/emulators/', pathNot: NOT_SHIPPED },
      to: { path: '^src/', pathNot: ['^src/emulators/', '^src/common/', '\\.port\\.ts$'] },
    },
    {
      name: 'messages-are-leaves',
      severity: 'error',
      comment:
        'The normalized message and phone numbers are what every side shares: they import ' +
        'nothing of the gateway but common/.',
      from: { path: '^src/messages/', pathNot: NOT_SHIPPED },
      to: { path: '^src/', pathNot: ['^src/messages/', '^src/common/'] },
    },
    {
      name: 'config-below-features',
      severity: 'error',
      comment:
        'Every feature reads config/; config/ reads no feature, only the pure parsers its ' +
        "settings need, which are leaves: the inbound rules' and outbound targets' syntax, secret " +
        'references, and messages/ (the vendor-name rule).',
      from: { path: '^src/config/', pathNot: NOT_SHIPPED },
      to: { path: '^src/', pathNot: ['^src/config/', '^src/common/', ...SETTINGS_PARSERS] },
    },
    {
      name: 'settings-parsers-are-leaves',
      severity: 'error',
      comment: 'What config/ reads of a feature imports nothing of the gateway but common/.',
      from: { path: SETTINGS_PARSERS, pathNot: NOT_SHIPPED },
      to: { path: '^src/', pathNot: ['^src/common/', ...SETTINGS_PARSERS] },
    },
    {
      name: 'vendors-apart',
      severity: 'error',
      comment: 'A vendor folder never imports another vendor folder; shared code is in kit/.',
      from: {
        path: '^src/vendors/([^/]+)/',
        pathNot: ['^src/vendors/(kit|conformance|twilio-voice)/'],
      },
      to: {
        path: '^src/vendors/([^/]+)/',
        pathNot: ['^src/vendors/(kit|conformance)/', '^src/vendors/$1/'],
      },
    },
    {
      name: 'twilio-voice-builds-on-twilio',
      severity: 'error',
      comment:
        "Twilio's voice webhooks are signed and encoded as its SMS ones: that one link only.",
      from: { path: '^src/vendors/twilio-voice/' },
      to: {
        path: '^src/vendors/([^/]+)/',
        pathNot: ['^src/vendors/(kit|conformance|twilio|twilio-voice)/'],
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Specs and fixtures are tests: they may reach anywhere they need to.
    exclude: { path: ['^node_modules', '^dist/', ...NOT_SHIPPED] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    moduleSystems: ['cjs', 'es6'],
  },
};
