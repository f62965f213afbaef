# Reference for demos/delegation_return.cpp: the sub-generator's return
# value becomes the value of `yield from`.


def step(label, action):
    """One driving step, printed the way the C++ demo prints it."""
    try:
        result = repr(action())
    except StopIteration:
        result = 'StopIteration'
    print(f'{label} -> {result}')


def footrace():
    faults = 0
    while True:
        v = yield 'On your marks.'
        if v == 'fault':
            faults += 1
            continue
        v = yield 'Get set.'
        if v == 'fault':
            faults += 1
            continue
        yield 'Go!'
        return faults


def race():
    faults = yield from footrace()
    print(f'Race started after {faults} faults.')


r = race()
step('next()', lambda: next(r))
step("send('fault')", lambda: r.send('fault'))
step('next()', lambda: next(r))
step("send('fault')", lambda: r.send('fault'))
step('next()', lambda: next(r))
step('next()', lambda: next(r))
step('next()', lambda: next(r))
