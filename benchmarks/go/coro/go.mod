module cynbench/coro

go 1.19
