// MODERN SYNTAX (ES2018): named capture groups, in exec results, replace and \k backreferences.
var date = /(?<y>\d{4})-(?<m>\d{2})-(?<d>\d{2})/;
var lastExec = date.exec("on 2021-03-04 ok");
var back = /(?<q>['"]).*?\k<q>/;
function probe() {
  try {
    var m = date.exec("2020-12-31");
    return [m.groups.y + "/" + m.groups.m + "/" + m.groups.d, JSON.stringify(lastExec.groups),
      "2020-12-31".replace(date, "$<d>.$<m>.$<y>"), String(back.exec("x 'a\"b' y")[0]),
      Object.keys(m.groups).join(","), String(Object.getPrototypeOf(m.groups))].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
