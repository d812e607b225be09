import { pbft } from '../src/pbft/index.ts';
import { evidenceChain } from './evidence.ts';

evidenceChain(pbft);
