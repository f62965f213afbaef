# Reference for demos/iterator_countdown.cpp: the iteration protocol by hand.


class Countdown:
    def __init__(self, start):
        self.n = start

    def __iter__(self):
        return self

    def __next__(self):
        if self.n == 0:
            raise StopIteration
        self.n -= 1
        return self.n + 1


for n in Countdown(5):
    print(n)
