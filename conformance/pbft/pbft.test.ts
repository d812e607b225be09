import { pbft } from '../../src/pbft/index.ts';
import { conformanceSuite } from '../suite.ts';

conformanceSuite(pbft, {
  catalogue: ['pbft-weak-prepare', 'pbft-weak-commit', 'pbft-newview-drops-prepared'],
  mutantDiffs: {
    // Each bug shows as the step the spec refuses, or takes to another state.
    'pbft-weak-prepare': /TypeScript takes ReceivePrepares\(i = \d, n = 1\); TLC does not[\s\S]*no ReceivePrepares step/,
    'pbft-weak-commit': /TypeScript takes ReceiveCommits\(i = \d, n = 1\); TLC does not[\s\S]*no ReceiveCommits step/,
    'pbft-newview-drops-prepared': /TypeScript takes ReceiveViewChanges\(i = 1\)[\s\S]*differs in:\s*log\[1\]/,
    'pbft-accept-two-digests': /TypeScript takes ReceivePrePrepare\(d = r2, i = \d, n = 1\)/,
    'pbft-client-trusts-f-replies': /TypeScript takes ClientAccept/,
  },
});
