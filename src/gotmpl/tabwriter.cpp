// A port of Go's text/tabwriter (flags 0) so table output is byte-identical
// to docker's: the same cell splitting, escape handling and recursive
// column-block formatting.
#include "skiff/gotmpl/tabwriter.hpp"

#include <algorithm>
#include <vector>

#include "lexer.hpp"

namespace skiff::gotmpl {

namespace {

constexpr char kEscape = '\xff'; // brackets text whose tabs are not cells

struct Cell {
  size_t size = 0; // bytes in buf
  int width = 0;   // runes
};

int rune_count(std::string_view s) {
  int n = 0;
  size_t w = 0;
  for (size_t i = 0; i < s.size(); i += w, ++n)
    detail::decode_rune(s, i, &w);
  return n;
}

class Writer {
public:
  Writer(int minwidth, int tabwidth, int padding, char padchar)
      : minwidth_(minwidth), tabwidth_(tabwidth), padding_(padding), padchar_(padchar) {
    reset();
  }

  void write(std::string_view text) {
    size_t n = 0;
    for (size_t i = 0; i < text.size(); ++i) {
      char ch = text[i];
      if (escaping_) {
        if (ch == kEscape) {
          append(text.substr(n, i + 1 - n));
          n = i + 1;
          update_width();
          cell_.width -= 2; // the Escape bytes themselves take no room
          escaping_ = false;
        }
        continue;
      }
      if (ch == '\t' || ch == '\v' || ch == '\n' || ch == '\f') {
        append(text.substr(n, i - n));
        update_width();
        n = i + 1;
        size_t ncells = terminate_cell();
        if (ch == '\n' || ch == '\f') {
          lines_.emplace_back();
          // A one-cell line ends every column block, so Go flushes there.
          if (ch == '\f' || ncells == 1)
            flush();
        }
      } else if (ch == kEscape) {
        append(text.substr(n, i - n));
        update_width();
        n = i;
        escaping_ = true;
      }
    }
    append(text.substr(n));
  }

  void flush() {
    if (cell_.size > 0) {
      if (escaping_) { // an unterminated escape ends here
        update_width();
        cell_.width -= 2;
        escaping_ = false;
      }
      terminate_cell();
    }
    format(0, 0, lines_.size());
    reset();
  }

  std::string out;

private:
  void reset() {
    buf_.clear();
    pos_ = 0;
    cell_ = Cell{};
    escaping_ = false;
    lines_.assign(1, {});
    widths_.clear();
  }

  void append(std::string_view s) {
    buf_ += s;
    cell_.size += s.size();
  }

  void update_width() {
    cell_.width += rune_count(std::string_view(buf_).substr(pos_));
    pos_ = buf_.size();
  }

  size_t terminate_cell() {
    lines_.back().push_back(cell_);
    cell_ = Cell{};
    return lines_.back().size();
  }

  void write_padding(int textw, int cellw) {
    if (padchar_ == '\t') {
      if (tabwidth_ == 0)
        return; // tabs have no width: no padding possible
      cellw = (cellw + tabwidth_ - 1) / tabwidth_ * tabwidth_;
      int n = cellw - textw;
      out.append(static_cast<size_t>((n + tabwidth_ - 1) / tabwidth_), '\t');
      return;
    }
    out.append(static_cast<size_t>(cellw - textw), padchar_);
  }

  size_t write_lines(size_t pos, size_t line0, size_t line1) {
    for (size_t i = line0; i < line1; ++i) {
      const auto &line = lines_[i];
      for (size_t j = 0; j < line.size(); ++j) {
        const Cell &c = line[j];
        if (c.size > 0) {
          out.append(buf_, pos, c.size);
          pos += c.size;
        }
        if (j < widths_.size())
          write_padding(c.width, widths_[j]);
      }
      if (i + 1 == lines_.size()) {
        // The last line has no newline; write what is buffered of it.
        out.append(buf_, pos, cell_.size);
        pos += cell_.size;
      } else {
        out += '\n';
      }
    }
    return pos;
  }

  // Formats lines [line0, line1): finds each block of lines having a cell
  // in the next column, sizes the column, and recurses for the columns to
  // its right.
  size_t format(size_t pos, size_t line0, size_t line1) {
    size_t column = widths_.size();
    // The last cell of a line is not tab-terminated and belongs to no column.
    auto has_cell = [&](size_t l) { return column + 1 < lines_[l].size(); };
    for (size_t cur = line0; cur < line1; ++cur) {
      if (!has_cell(cur))
        continue;
      pos = write_lines(pos, line0, cur);
      line0 = cur;
      int width = minwidth_;
      for (; cur < line1 && has_cell(cur); ++cur)
        width = std::max(width, lines_[cur][column].width + padding_);
      widths_.push_back(width);
      pos = format(pos, line0, cur);
      widths_.pop_back();
      line0 = cur;
    }
    return write_lines(pos, line0, line1);
  }

  int minwidth_, tabwidth_, padding_;
  char padchar_;
  std::string buf_; // cell text without tabs and line breaks
  size_t pos_ = 0;  // width of cell_ is counted up to here
  Cell cell_;       // the cell being read
  bool escaping_ = false;
  std::vector<std::vector<Cell>> lines_;
  std::vector<int> widths_; // widths of the columns being formatted
};

} // namespace

std::string tabwrite(std::string_view text, int minwidth, int tabwidth, int padding, char padchar) {
  Writer w(minwidth, tabwidth, padding, padchar);
  w.write(text);
  w.flush();
  return std::move(w.out);
}

} // namespace skiff::gotmpl
