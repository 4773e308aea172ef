/**
 * Loket's layering, checked by `npm run lint:deps` and in `npm test` (tests/architecture).
 *
 *   functions/domain            entities and rules; no AWS, no adapters, no I/O
 *   workflows/<key>/*.ts        the rare type's own code (a data shape); the domain only
 *   functions/ports             the interfaces use cases need, in the domain's words
 *   functions/catalogue         the published types (reads workflows/ through its type loader)
 *   functions/use-cases         one function per use case, over ports; no HTTP, no SDK, no adapters
 *   functions/adapters          DynamoDB, Step Functions, S3, registers: implement the ports
 *   functions/api, /steps       handlers: validate, call a use case, map the answer; wire adapters once
 *   infra/, designer/, bench/   hosts and tools; functions/ never imports them
 */
const sdk = '^(@aws-sdk|@aws-lambda-powertools|@middy|aws-lambda$)';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Modules must not import each other in a cycle.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      comment: 'The domain imports nothing but itself and plain libraries: no adapters, ports, use cases, handlers, AWS SDK or hosts.',
      severity: 'error',
      from: { path: '^functions/domain/' },
      to: { pathNot: ['^functions/domain/', '^node_modules/(zod|ulid)/', '^(node:)?crypto$'], dependencyTypesNot: ['core'] },
    },
    {
      name: 'functions-use-zod-mini',
      comment: 'Function code writes its schemas in zod/mini (functions/domain/zod.ts): a bundle that also loads the classic build pays its init for nothing (issue 14). Only the validator of designers’ JSON Schemas needs the classic build (fromJSONSchema).',
      severity: 'error',
      from: { path: '^(functions|workflows)/', pathNot: '^functions/domain/transaction-type\\.ts$' },
      to: { path: '^node_modules/zod/', pathNot: '^node_modules/zod/(mini|locales|v4/(mini|core|locales))/' },
    },
    {
      name: 'functions-use-pooled-ulids',
      comment: 'Function code makes its ULIDs with functions/domain/ulid.ts, which draws their randomness from a pooled source: the package alone asks the system for each character (issue 14).',
      severity: 'error',
      from: { path: '^functions/', pathNot: '^functions/domain/ulid\\.ts$' },
      to: { path: '^node_modules/ulid/' },
    },
    {
      name: 'domain-no-node-io',
      comment: 'The domain does no I/O.',
      severity: 'error',
      from: { path: '^functions/domain/' },
      to: { dependencyTypes: ['core'], pathNot: '^(node:)?crypto$' },
    },
    {
      name: 'ports-speak-the-domain',
      comment: 'Ports are interfaces in the domain’s words: they import only the domain.',
      severity: 'error',
      from: { path: '^functions/ports/' },
      to: { pathNot: ['^functions/domain/', '^functions/ports/'] },
    },
    {
      name: 'use-cases-over-ports',
      comment: 'Use cases import neither the HTTP layer, nor commons (Powertools, clients), nor adapters, nor the AWS SDK; they get those as ports.',
      severity: 'error',
      from: { path: '^functions/use-cases/' },
      to: { path: ['^functions/(api|steps|commons|adapters|catalogue)/', '^functions/app\\.declaration', sdk, '^node_modules/(@aws-sdk|@aws-lambda-powertools|@middy)/'] },
    },
    {
      name: 'adapters-below-use-cases',
      comment: 'Adapters implement ports; they never call use cases or handlers.',
      severity: 'error',
      from: { path: '^functions/adapters/' },
      to: { path: ['^functions/(use-cases|api|steps)/', '^functions/app\\.declaration'] },
    },
    {
      name: 'handlers-through-use-cases',
      comment: 'A handler reaches the SDK only through adapters, and a step handler never through the HTTP layer.',
      severity: 'error',
      from: { path: '^functions/(api|steps)/' },
      to: { path: ['^node_modules/@aws-sdk/', '^@aws-sdk/'] },
    },
    {
      name: 'functions-not-hosts',
      comment: 'functions/ runs on Lambda: it never imports the hosts, tools or tests.',
      severity: 'error',
      from: { path: '^functions/' },
      to: { path: '^(infra|designer|bench|tests)/' },
    },
    {
      name: 'workflows-only-domain',
      comment: 'workflows/ holds type data and each type’s own code: it imports only the domain.',
      severity: 'error',
      from: { path: '^workflows/' },
      to: { path: ['^functions/(?!domain/)', '^(infra|designer|bench|tests)/'] },
    },
    {
      name: 'deployed-code-no-dev-dependencies',
      comment: 'What is deployed imports only dependencies: a devDependency (pdf-lib, the test oracle of the PDF writer) is missing from a production install and would bloat a bundle.',
      severity: 'error',
      from: { path: '^(functions|workflows)/' },
      to: { dependencyTypes: ['npm-dev'] },
    },
    {
      name: 'lambda-code-not-local-host',
      comment: 'Nothing that is deployed imports the local host.',
      severity: 'error',
      from: { path: '^(functions|workflows)/' },
      to: { path: '^infra/local/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(cdk\\.out|\\.loket|bench-results|diagrams)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js', '.json'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
