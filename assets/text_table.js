/* The data tables (dashboard/components/table.py, TextTable): one Dash component draws a
   whole table from its rows. Dash wraps every component it renders and re-checks each on every
   store change, so a table of Dash cells (the county page held 272) cost most of a page's start-up;
   this is the same markup from one component. A cell is text, or {text, href}: a link inside the
   site, followed the way dcc.Link follows it (the page changes without a reload). */
(function () {
  "use strict";

  var h = window.React.createElement;

  function follow(event) {
    if (event.metaKey || event.shiftKey || event.altKey || event.ctrlKey || event.button) {
      return;
    }
    event.preventDefault();
    window.history.pushState({}, "", event.currentTarget.getAttribute("href"));
    window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
    window.scrollTo(0, 0);
  }

  function content(cell) {
    if (cell && typeof cell === "object") {
      return h("a", { href: cell.href, onClick: follow }, cell.text);
    }
    return cell;
  }

  function numeric(column) {
    return column.numeric ? "num" : undefined;
  }

  function TextTable(props) {
    var columns = props.columns;
    var head = h(
      "thead",
      null,
      h(
        "tr",
        null,
        columns.map(function (column, i) {
          return h("th", { key: i, scope: "col", className: numeric(column) }, column.label);
        })
      )
    );
    var body = h(
      "tbody",
      null,
      props.rows.map(function (row, r) {
        return h(
          "tr",
          { key: r },
          row.map(function (cell, i) {
            return i === 0
              ? h("th", { key: i, scope: "row" }, content(cell))
              : h("td", { key: i, className: numeric(columns[i]) }, content(cell));
          })
        );
      })
    );
    return h(
      "div",
      {
        className: "table-scroll",
        tabIndex: 0,
        role: "region",
        "aria-label": props.caption,
      },
      h("table", { className: "data-table" }, h("caption", null, props.caption), head, body)
    );
  }

  var components = (window.csec_components = window.csec_components || {});
  components.TextTable = TextTable;
})();
