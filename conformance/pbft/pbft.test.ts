import { pbft } from '../../src/pbft/index.ts';
import { conformanceSuite } from '../suite.ts';

conformanceSuite(pbft);
