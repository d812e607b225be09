import { raft } from '../src/raft/index.ts';
import { evidenceChain } from './evidence.ts';

evidenceChain(raft);
