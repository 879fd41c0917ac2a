module cyn.bench/httppeer

go 1.21
