// Web face (from-web): the shared scenarios of tests/shared/web-scenarios.mjs, run in Node 20.
import { runGroup } from './run-scenarios.mjs';

runGroup('from-web');
