// The worker thread of the exact rotation solver. Node runs the TypeScript sources through tsx
// (there is no build step), and a worker does not inherit the parent's loader: register it here.
import { register } from 'tsx/esm/api';

register();
await import('./rotation-exact-thread.ts');
