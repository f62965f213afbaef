"""Replays a demo's step script against a module of the original talk.

usage: replay.py MODULE.py CALL STEP... [-- CALL STEP...]...

CALL makes a generator or a coroutine with the module's own functions, as
the demo does in C++ (countdown(3), example('A')). Each STEP is next(),
send(None) or send(LITERAL), written as the demo prints it. For each step
this prints "STEP -> RESULT", RESULT being repr() of what the step returned,
or the name of the exception it raised (StopIteration); a blank line
separates the blocks. What the module prints itself is dropped: only the
steps are compared.
"""
import ast
import contextlib
import importlib.util
import io
import re
import sys

STEP = re.compile(r'^(next\(\)|send\((.*)\))$')


def load(path):
    sys.dont_write_bytecode = True  # the originals are read, never written next to
    spec = importlib.util.spec_from_file_location('original', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_step(gen, step):
    match = STEP.match(step)
    if not match:
        raise SystemExit('not a step: ' + step)
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            if match.group(2) is None:
                result = repr(next(gen))
            else:
                result = repr(gen.send(ast.literal_eval(match.group(2))))
        except Exception as error:  # StopIteration, or what the original raised
            result = type(error).__name__
    print('{} -> {}'.format(step, result))


def main(argv):
    if len(argv) < 3:
        raise SystemExit(__doc__)
    module = load(argv[1])
    blocks = [[]]
    for arg in argv[2:]:
        if arg == '--':
            blocks.append([])
        else:
            blocks[-1].append(arg)
    for number, block in enumerate(blocks):
        if number:
            print()
        call, steps = block[0], block[1:]
        with contextlib.redirect_stdout(io.StringIO()):
            gen = eval(call, vars(module))
        for step in steps:
            run_step(gen, step)


if __name__ == '__main__':
    main(sys.argv)
