// Worker threads do not inherit the tsx loader: register it, then load the TypeScript body.
import { register } from 'tsx/esm/api';

register();
await import('./mediaWorker.ts');
