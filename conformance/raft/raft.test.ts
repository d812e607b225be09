import { raft } from '../../src/raft/index.ts';
import { conformanceSuite } from '../suite.ts';

conformanceSuite(raft, {
  catalogue: ['raft-commit-old-term', 'raft-vote-no-log-check', 'raft-no-truncate', 'raft-vote-twice'],
  mutantDiffs: {
    // The broken vote is visible as such: the vote granted where the spec refuses it.
    'raft-vote-no-log-check': /TypeScript takes HandleRequestVoteRequest[\s\S]*votedFor\[s\d\]: TLC = \w+, TypeScript = s\d/,
    'raft-commit-old-term': /TypeScript takes AdvanceCommitIndex/,
  },
});
