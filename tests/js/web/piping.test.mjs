// Web face (piping): the shared scenarios of tests/shared/web-scenarios.mjs, run in Node 20.
import { runGroup } from './run-scenarios.mjs';

runGroup('piping');
