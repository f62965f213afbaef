// The iteration protocol by hand: __iter__ and __next__ become begin(),
// operator* and operator++, and StopIteration the end() sentinel.
#include "runtime/demo.hpp"

class Countdown {
public:
    explicit Countdown(int start) : start_(start) {}

    struct Stop {};  // what end() returns: "no more values"

    struct Iterator {
        int n;
        int operator*() const { return n; }               // __next__
        Iterator& operator++() { n -= 1; return *this; }  // counts down
        bool operator==(Stop) const { return n == 0; }    // StopIteration
    };

    Iterator begin() const { return Iterator{start_}; }   // __iter__
    Stop end() const { return {}; }

private:
    int start_;
};

void iterator_countdown(Context& ctx) {
    for (int n : Countdown(5))
        print(ctx, std::to_string(n));
}
