# distutils: language = c++
# run()/spawn() called with the GIL held convert a Python argument as a direct call converts
# it: `run(main_, [1, 2, 3])` for a lib.list[long] parameter copies the list (it was refused
# while `main_([1, 2, 3])` converted it); a wrong type is a TypeError before anything runs.
from cyn cimport lib
from cyn.coro cimport run, spawn, WaitGroup

cdef long total = 0

cdef class Job nogil:
    cdef public long weight
    def __init__(self, long weight):
        self.weight = weight

cdef void sum_list(lib.list[long] xs) noexcept nogil:
    global total
    total = sum(xs)

cdef void add_job(Job job, long times) noexcept nogil:
    global total
    total += job.weight * times

cdef void add_job_in_coroutine(Job job, WaitGroup wg) noexcept nogil:
    global total
    total += job.weight
    wg.done()


def test_python_list_for_a_list_parameter():
    global total
    total = 0
    run(sum_list, [1, 2, 3])
    assert total == 6
    xs = [10, 20]
    run(sum_list, xs)
    assert total == 30 and xs == [10, 20]


def test_python_values_for_object_and_number_parameters():
    global total
    total = 0
    job = <object>Job(7)
    times = 3                      # a Python int (untyped at module level is object)
    run(add_job, job, <object>times)
    assert total == 21


def test_spawn_converts_too():
    global total
    total = 0
    wg = WaitGroup()
    wg.add(1)
    spawn(add_job_in_coroutine, <object>Job(5), wg)
    with nogil:
        wg.wait()
    assert total == 5


def test_wrong_python_type_is_a_type_error():
    try:
        run(sum_list, ["a"])
    except TypeError:
        pass
    else:
        raise AssertionError("TypeError expected")
    try:
        run(add_job, <object>"not a job", 1)
    except TypeError:
        pass
    else:
        raise AssertionError("TypeError expected")
