OPENQASM 2.0;
include "qelib1.inc";
gate rzx(param0) q0,q1 { h q1; cx q0,q1; rz(param0) q1; cx q0,q1; h q1; }
gate ryy(param0) q0,q1 { rx(pi/2) q0; rx(pi/2) q1; cx q0,q1; rz(param0) q1; cx q0,q1; rx(-pi/2) q0; rx(-pi/2) q1; }
qreg q[4];
creg meas[4];
sx q[0];
u(pi/2,0,pi) q[1];
p(pi/4) q[2];
cp(-pi/8) q[0],q[2];
rzx(0.7853981633974483) q[1],q[3];
ryy(1.2) q[2],q[3];
cu(0.3,0.1,-0.2,0) q[3],q[0];
sxdg q[1];
cx q[2],q[1];
rz(-3*pi/4) q[3];
barrier q[0],q[1],q[2],q[3];
measure q[0] -> meas[0];
measure q[1] -> meas[1];
measure q[2] -> meas[2];
measure q[3] -> meas[3];
