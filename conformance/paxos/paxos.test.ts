import { paxos } from '../../src/paxos/index.ts';
import { conformanceSuite } from '../suite.ts';

conformanceSuite(paxos);
