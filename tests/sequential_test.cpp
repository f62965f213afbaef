// The sequential demo's trace: three requests strictly one after another,
// each taking the farm's delay, and three intact lines.
#include <gtest/gtest.h>

#include "farm/farm.hpp"
#include "registry.hpp"
#include "test_support.hpp"

using namespace livedeck;
using namespace livedeck::demos;
using namespace std::chrono_literals;

TEST(Sequential, FetchesOneAfterAnother) {
    const double delay = 0.2;
    farm::Server server("127.0.0.1", 0, std::chrono::milliseconds(200));
    const Demo* demo = find_demo("sequential");
    ASSERT_NE(demo, nullptr);
    Params p;
    p.farm_url = server.url();
    p.char_interval = std::chrono::milliseconds(5);
    demos::Run run(demo->body, p);
    ASSERT_TRUE(test::wait_done(run));
    const std::vector<Event> events = run.trace().events();

    struct Request {
        double start = -1, done = -1;
    };
    std::vector<Request> requests;
    std::vector<double> line_ends;  // when each printed line's newline came
    for (const Event& e : events) {
        if (e.kind == EventKind::RequestStart) requests.push_back({e.t, -1});
        if (e.kind == EventKind::RequestDone) requests.back().done = e.t;
        if (e.kind == EventKind::Text && e.text == "\n") line_ends.push_back(e.t);
        EXPECT_NE(e.kind, EventKind::Error) << e.text;
    }
    ASSERT_EQ(requests.size(), 3u);
    ASSERT_EQ(line_ends.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_GE(requests[i].done - requests[i].start, delay * 0.95) << "request " << i;
        EXPECT_LT(requests[i].done, line_ends[i]);
        if (i > 0) {
            EXPECT_GT(requests[i].start, line_ends[i - 1]) << "request " << i << " overlapped";
        }
    }
    EXPECT_GE(line_ends.back(), 3 * delay);
    EXPECT_EQ(test::texts(fold_lines(events, 1e9)),
              (std::vector<std::string>{"The cow says \"Moo!\".", "The pig says \"Oink!\".",
                                        "The chicken says \"Cluck!\"."}));
}

TEST(Sequential, SourceIsTheCompiledFile) {
    const Demo* demo = find_demo("sequential");
    ASSERT_NE(demo, nullptr);
    EXPECT_NE(demo->source().find("void sequential(Context& ctx)"), std::string_view::npos);
    EXPECT_NE(demo->source().find("fetch(ctx, animal)"), std::string_view::npos);
}
