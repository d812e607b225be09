import { multipaxos } from '../src/multipaxos/index.ts';
import { evidenceChain } from './evidence.ts';

evidenceChain(multipaxos);
