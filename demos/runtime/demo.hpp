// The one include of a demo file: the talk's vocabulary (fetch, print,
// sleep, Mutex) and nothing else to distract the reader. Demo files define
// their demo at global scope, so the slide shows only the lesson; fetch()
// and print() are found through their Context argument.
#pragma once

#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "runtime/context.hpp"
#include "runtime/generator.hpp"
#include "runtime/thread.hpp"
#include "runtime/value.hpp"

using livedeck::demos::Context;
using livedeck::demos::Mutex;
using livedeck::demos::Thread;
using livedeck::demos::Value;
using livedeck::demos::from;
using livedeck::demos::generator;
using livedeck::demos::repr;
