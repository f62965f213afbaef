# Reference for demos/generator_send.cpp: send() (PEP 342).


def step(label, action):
    """One driving step, printed the way the C++ demo prints it."""
    try:
        result = repr(action())
    except StopIteration:
        result = 'StopIteration'
    print(f'{label} -> {result}')


def countdown(n):
    while n > 0:
        v = yield n
        if v is not None:
            n = v
        n -= 1


def footrace():
    while True:
        v = yield 'On your marks.'
        if v == 'fault':
            continue
        v = yield 'Get set.'
        if v == 'fault':
            continue
        yield 'Go!'
        return


c = countdown(5)
step('next()', lambda: next(c))
step('send(10)', lambda: c.send(10))
step('next()', lambda: next(c))
step('send(2)', lambda: c.send(2))
step('next()', lambda: next(c))
print()

f = footrace()
step('next()', lambda: next(f))
step('next()', lambda: next(f))
step("send('fault')", lambda: f.send('fault'))
step('next()', lambda: next(f))
step('next()', lambda: next(f))
step('next()', lambda: next(f))
