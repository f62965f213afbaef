// reveal.cpp: which reveal step each block and list item of a slide
// appears at. The slide is read in document order; its leaves (headings,
// paragraphs, code, images, rules, tables) and its list items are the
// things revealed. A pause before one, or its being an item of an
// incremental list, starts a new step for it, so Next never shows nothing
// new and nothing comes before the first thing on the slide. A code block's
// line highlights (`{1-3|5}`) take steps too: Next moves the highlight.

#include "deck/parse_internal.hpp"

#include <algorithm>
#include <climits>

namespace livedeck::deck::detail {
namespace {

class Stepper {
public:
    explicit Stepper(const SlideText& text) : text_(text) {}

    // The step of a thing at file `line`.
    int visit(int line, bool incremental_item) {
        bool fresh = incremental_item;
        const std::vector<int>& points = text_.reveal_points;
        for (; next_ < points.size() && points[next_] <= line; ++next_) fresh = true;
        if (fresh && seen_) step_ = last_ + 1;
        seen_ = true;
        last_ = std::max(last_, step_);
        return step_;
    }

    // A code block's line highlights: the first with the block, each other
    // a step of its own after every step begun so far.
    void highlights(Block& code) {
        if (code.highlights.empty()) return;
        code.highlights.front().step = code.step;
        for (size_t i = 1; i < code.highlights.size(); ++i) code.highlights[i].step = ++last_;
    }

    bool incremental(int line) const {
        const int i = line - text_.first_line;
        return i >= 0 && static_cast<size_t>(i) < text_.incremental.size() && text_.incremental[static_cast<size_t>(i)];
    }

    // Gives every block its step; returns the smallest (INT_MAX for none).
    int walk(std::vector<Block>& blocks) {
        int first = INT_MAX;
        for (Block& b : blocks) {
            switch (b.kind) {
            case BlockKind::List: {
                b.step = INT_MAX;
                for (ListItem& item : b.items) {
                    const int line = item.line > 0 ? item.line : b.line;
                    item.step = visit(line, incremental(line));
                    b.step = std::min(b.step, item.step);
                    walk(item.blocks);
                }
                if (b.items.empty()) b.step = visit(b.line, false);
                break;
            }
            case BlockKind::Quote:
                b.step = walk(b.children);
                if (b.step == INT_MAX) b.step = visit(b.line, false);
                break;
            case BlockKind::Columns:
                b.step = INT_MAX;
                for (Column& c : b.columns) b.step = std::min(b.step, walk(c.blocks));
                if (b.step == INT_MAX) b.step = visit(b.line, false);
                break;
            case BlockKind::Code:
                b.step = visit(b.line, false);
                highlights(b);
                break;
            default: b.step = visit(b.line, false); break;
            }
            first = std::min(first, b.step);
        }
        return first;
    }

    int steps() const { return last_; }

private:
    const SlideText& text_;
    size_t next_ = 0;
    int step_ = 0;  // the step of what is visited now
    int last_ = 0;  // the last step begun
    bool seen_ = false;
};

}  // namespace

void assign_steps(Slide& slide, const SlideText& text) {
    Stepper stepper(text);
    stepper.walk(slide.blocks);
    slide.steps = stepper.steps();
}

}  // namespace livedeck::deck::detail
