// Bell state (|00> + |11>)/sqrt(2): outcomes 00 and 11, each with probability 1/2.
OPENQASM 2.0;
include "qelib1.inc";
qreg q[2];
creg c[2];
h q[0];
cx q[0],q[1];
measure q -> c;
