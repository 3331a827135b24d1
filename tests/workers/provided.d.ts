export {};

/** Values the Node-side global setup hands to the tests running in workerd. */
declare module 'vitest' {
  export interface ProvidedContext {
    feedUrl: string;
  }
}
