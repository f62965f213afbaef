// The one include of a demo file: the talk's vocabulary (fetch, print,
// sleep, Mutex) and nothing else to distract the reader. Demo files define
// their demo at global scope, so the slide shows only the lesson; fetch()
// and print() are found through their Context argument.
#pragma once

#include <string>

#include "runtime/context.hpp"

using livedeck::demos::Context;
using livedeck::demos::Mutex;
