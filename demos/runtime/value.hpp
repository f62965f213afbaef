// Value: an int or a string, for generators that mix them as Python's do.
// The delegation demos' countdown yields ints, then the footrace's strings,
// and is sent both (send(2), send('fault')): in C++ one generator has one
// Yield and one Send type, so theirs is generator<Value, Value>.
//
//   Value v = 3;         v = "fault";
//   v == "fault"         compares like Python's ==
//   int(v)               the int; a string throws, as 'fault' - 1 raises TypeError
//   repr(v)              3, or 'fault' with its quotes, as Python's REPL shows it
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

#include "runtime/generator.hpp"

namespace livedeck::demos {

class Value {
public:
    Value(int number) : held_(number) {}
    Value(std::string text) : held_(std::move(text)) {}
    Value(const char* text) : held_(std::string(text)) {}

    explicit operator int() const {
        if (const int* number = std::get_if<int>(&held_)) return *number;
        throw std::invalid_argument("not an int: " + repr(std::get<std::string>(held_)));
    }

    friend bool operator==(const Value&, const Value&) = default;

    friend std::string repr(const Value& value) {
        if (const int* number = std::get_if<int>(&value.held_)) return livedeck::demos::repr(*number);
        return livedeck::demos::repr(std::get<std::string>(value.held_));
    }

private:
    std::variant<int, std::string> held_;
};

}  // namespace livedeck::demos
