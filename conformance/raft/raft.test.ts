import { raft } from '../../src/raft/index.ts';
import { conformanceSuite } from '../suite.ts';

conformanceSuite(raft, {
  mutantDiffs: {
    // The broken vote is visible as such: the vote granted where the spec refuses it.
    'vote-ignores-log': /TypeScript takes HandleRequestVoteRequest[\s\S]*votedFor\[s\d\]: TLC = \w+, TypeScript = s\d/,
    'commit-by-counting-old-entries': /TypeScript takes AdvanceCommitIndex/,
  },
});
