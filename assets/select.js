/* The selects (dashboard/components/controls.py, Select): a native <select> whose options are
   data, one Dash component instead of one per option (docs/browsers.md, "Few components").
   Uncontrolled: the browser keeps the reader's choice, which assets/controls.js sends to Dash as
   the select's data-value; a data-value that arrives from Dash (a page drawn for another view)
   is set on the element. */
(function () {
  "use strict";

  var React = window.React;
  var h = React.createElement;

  function option(item) {
    return h("option", { key: item.value, value: item.value }, item.label);
  }

  function Select(props) {
    var element = React.useRef(null);
    var value = props["data-value"];
    React.useEffect(
      function () {
        if (element.current && element.current.value !== value) {
          element.current.value = value;
        }
      },
      [value]
    );
    var attributes = { id: props.id, ref: element, defaultValue: value };
    Object.keys(props).forEach(function (name) {
      if (name.indexOf("data-") === 0 || name.indexOf("aria-") === 0) {
        attributes[name] = props[name];
      }
    });
    return h(
      "select",
      attributes,
      props.options.map(function (item) {
        return item.options
          ? h("optgroup", { key: item.label, label: item.label }, item.options.map(option))
          : option(item);
      })
    );
  }

  var components = (window.csec_components = window.csec_components || {});
  components.Select = Select;
})();
