/**
 * @zitadel/client publishes its entry points through package.json "exports" only, which this
 * repository's TypeScript module resolution ("node") does not read. Jest resolves them at run time;
 * these declarations point the type checker at the same files.
 */
declare module '@zitadel/client/v1' {
  export * from '@zitadel/client/dist/v1';
}
