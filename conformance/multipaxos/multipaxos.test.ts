import { multipaxos } from '../../src/multipaxos/index.ts';
import { conformanceSuite } from '../suite.ts';

conformanceSuite(multipaxos);
