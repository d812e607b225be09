------------------------------- MODULE TLAPS ---------------------------------
(***************************************************************************)
(* The TLA+ Proof System's module, for model checking.  Specs that carry    *)
(* proofs EXTEND TLAPS to name the backend provers their proof steps ask    *)
(* for (BY SMT, BY Zenon DEF Init, BY PTL).  TLC does not check proofs: it  *)
(* only parses them, and it needs every name they use to be defined.  Here  *)
(* each pragma is an operator equal to TRUE, so a spec that extends TLAPS   *)
(* model-checks as it is.  To check the proofs themselves, use tlapm with   *)
(* its own TLAPS module.                                                    *)
(*                                                                          *)
(* consensus-lab puts this folder (specs/lib) on TLC's library path.        *)
(***************************************************************************)

\* Arithmetic, the historical name of the SMT pragma.
SimpleArithmetic == TRUE

\* SMT solvers: the default one, and each by name; the T forms take a timeout.
SMT == TRUE
SMTT(X) == TRUE
CVC3 == TRUE
CVC3T(X) == TRUE
CVC4 == TRUE
CVC4T(X) == TRUE
Yices == TRUE
YicesT(X) == TRUE
veriT == TRUE
veriTT(X) == TRUE
Z3 == TRUE
Z3T(X) == TRUE

\* First-order provers.
Spass == TRUE
SpassT(X) == TRUE
Zenon == TRUE
ZenonT(X) == TRUE

\* Isabelle, with a tactic (IsaM) and a timeout (IsaT, IsaMT).
Isa == TRUE
IsaT(X) == TRUE
IsaM(X) == TRUE
IsaMT(X, Y) == TRUE
IsaWithSetExtensionality == TRUE

\* Propositional temporal logic, for the steps that end in [] and <>.
LS4 == TRUE
LS4T(X) == TRUE
PTL == TRUE

\* Presburger arithmetic.
Cooper == TRUE

\* Two facts of set theory that proofs cite by name; TLC parses them and checks nothing.
THEOREM SetExtensionality == \A S, T : (\A x : x \in S <=> x \in T) => S = T
THEOREM NoSetContainsEverything == \A S : \E x : x \notin S
================================================================================
