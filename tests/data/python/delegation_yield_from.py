# Reference for demos/delegation_yield_from.cpp: `yield from` (PEP 380)
# forwards what is sent.


def step(label, action):
    """One driving step, printed the way the C++ demo prints it."""
    try:
        result = repr(action())
    except StopIteration:
        result = 'StopIteration'
    print(f'{label} -> {result}')


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


def race():
    yield from footrace()


r = race()
step('next()', lambda: next(r))
step('next()', lambda: next(r))
step("send('fault')", lambda: r.send('fault'))
step('next()', lambda: next(r))
step('next()', lambda: next(r))
step('next()', lambda: next(r))
