import { raft } from '../../src/raft/index.ts';
import { conformanceSuite } from '../suite.ts';

conformanceSuite(raft, {
  catalogue: ['raft-commit-old-term', 'raft-vote-no-log-check', 'raft-no-truncate', 'raft-vote-twice'],
  mutantDiffs: {
    // The broken vote is visible as such: the vote granted where the spec refuses it.
    'raft-vote-no-log-check': /TypeScript takes HandleRequestVoteRequest[\s\S]*votedFor\[s\d\]: TLC = \w+, TypeScript = s\d/,
    'raft-commit-old-term': /TypeScript takes AdvanceCommitIndex/,
  },
  implementations: [
    // Our reducer, loaded as a student's module would be (--impl ./reducer.ts).
    { impl: 'src/raft/node.ts' },
    // The exercise's skeleton (docs/exercises/raft-reducer.md): it never grants a vote.
    { impl: 'examples/raft-ts/reducer.ts', differs: /TLC takes HandleRequestVoteRequest[\s\S]*votedFor\[s\d\]: TLC = s\d, the implementation = Nil/ },
    // Ours behind the driver protocol, as a process.
    { impl: 'node bin/consensus-lab.js driver raft' },
    // An independent Raft in Python over the driver's JSON lines (examples/raft-py), and with a rule broken.
    { impl: 'python3 examples/raft-py/node.py' },
    { impl: 'python3 examples/raft-py/node.py --bug no-log-check', differs: /the implementation takes HandleRequestVoteRequest[\s\S]*votedFor\[s\d\]: TLC = \w+, the implementation = s\d/ },
  ],
});
