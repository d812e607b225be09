import { paxos } from '../src/paxos/index.ts';
import { evidenceChain } from './evidence.ts';

evidenceChain(paxos);
