// A worker thread of the ICS parse pool. Node runs the TypeScript sources through tsx (there is
// no build step), and a worker does not inherit the parent's loader: register it here.
import { register } from 'tsx/esm/api';

register();
await import('./ics-parse-thread.ts');
