"""Mapping SQL that cannot reach outside the row.

A mapping's ``sql:`` and ``keep:`` are expressions over one row's source columns. Polars'
SQL engine also runs subqueries and table functions (``read_csv('/etc/shadow')``,
``read_parquet('http://…')``), so a mapping received from someone else could read files or
make requests. The expression is parsed with sqlglot and every node must be of an allowed
kind: columns, literals, operators, CASE/CAST and a list of scalar functions. Anything else
(a subquery, a table, a function not on the list, a parameter, ``*``) is refused with its
name. Polars is then handed the SQL that sqlglot writes back from the checked tree, never the
user's text, so the two parsers cannot read one string two ways.
"""

from __future__ import annotations

from typing import Any

DIALECT = "postgres"  # the sqlglot dialect whose output Polars' SQL parser reads as written

# Node kinds of sqlglot's tree that an expression over one row may contain.
ALLOWED_NODES = frozenset({
    "Column", "Identifier", "Literal", "Boolean", "Null", "Paren",
    "Neg", "Not", "And", "Or", "Xor",
    "EQ", "NEQ", "GT", "GTE", "LT", "LTE", "NullSafeEQ", "NullSafeNEQ", "Is",
    "In", "Between", "Like", "ILike", "RegexpLike", "RegexpILike", "SimilarTo",
    "Case", "If", "Cast", "TryCast", "DataType",
    "Add", "Sub", "Mul", "Div", "IntDiv", "Mod", "Pow", "DPipe", "Concat", "ConcatWs",
    "Coalesce", "Nullif", "Greatest", "Least",
    "Upper", "Lower", "Initcap", "Trim", "Length", "Substring", "Left", "Right", "Replace", "Reverse",
    "StrPosition", "StartsWith", "EndsWith", "RegexpReplace", "RegexpExtract", "Pad",
    "Abs", "Round", "Floor", "Ceil", "Sqrt", "Ln", "Log", "Exp", "Sign",
})
# Functions sqlglot does not know by name (``Anonymous``) that are scalar in Polars.
ALLOWED_FUNCTIONS = frozenset({"LTRIM", "RTRIM", "BTRIM", "OCTET_LENGTH", "CHAR_LENGTH", "CHARACTER_LENGTH",
                               "STRPTIME", "STRFTIME", "TRUNC", "CBRT", "MOD"})
ALLOWED_TYPES = frozenset({
    "INT", "SMALLINT", "TINYINT", "BIGINT", "UINT", "UBIGINT", "FLOAT", "DOUBLE", "DECIMAL",
    "VARCHAR", "CHAR", "TEXT", "NVARCHAR", "NCHAR", "BOOLEAN", "DATE", "TIME", "TIMESTAMP", "DATETIME",
})


class UnsafeSQL(ValueError):
    """The expression holds something other than an expression over the row."""


def checked_sql(sql: str) -> str:
    """``sql`` parsed, checked node by node, and written back as the SQL Polars will run.

    Raises ``UnsafeSQL`` naming the first node that is not allowed, or the parse error.
    """
    import sqlglot
    from sqlglot import exp

    try:
        trees = sqlglot.parse(sql, read=DIALECT)
    except sqlglot.errors.SqlglotError as exc:
        raise UnsafeSQL(f"invalid SQL expression: {str(exc).splitlines()[0]}") from None
    trees = [t for t in trees if t is not None]
    if len(trees) != 1:
        raise UnsafeSQL("must be one expression (no ';')")
    tree = trees[0]
    for node in tree.walk():
        _check_node(node, exp)
    return tree.sql(dialect=DIALECT)


def _check_node(node: Any, exp: Any) -> None:
    kind = type(node).__name__
    if kind == "Anonymous":
        name = str(node.name).upper()
        if name not in ALLOWED_FUNCTIONS:
            raise UnsafeSQL(f"uses the function {name}(), which a mapping may not call")
        return
    if kind not in ALLOWED_NODES:
        raise UnsafeSQL(f"uses {_describe(node, exp)}, which a mapping may not use: "
                        "only the row's columns, literals, operators and scalar functions")
    if kind == "Column" and (node.args.get("table") or node.args.get("db") or node.args.get("catalog")):
        raise UnsafeSQL(f"names a table ({node.sql(dialect=DIALECT)}): use the column name alone")
    if kind == "In" and (node.args.get("query") or node.args.get("unnest") or node.args.get("field")):
        raise UnsafeSQL("uses IN with a subquery: list the values instead")
    if kind == "DataType":
        type_name = getattr(node.this, "name", str(node.this))
        if type_name not in ALLOWED_TYPES or node.expressions and type_name not in ("DECIMAL", "VARCHAR", "CHAR"):
            raise UnsafeSQL(f"casts to {node.sql(dialect=DIALECT)}, which a mapping may not use")


def _describe(node: Any, exp: Any) -> str:
    if isinstance(node, exp.Subquery | exp.Select | exp.Query):
        return "a subquery"
    if isinstance(node, exp.Table):
        return f"a table ({node.sql(dialect=DIALECT)})"
    if isinstance(node, exp.Func):
        name = node.sql_name() if hasattr(node, "sql_name") else type(node).__name__
        return f"the function {name}()"
    if isinstance(node, exp.Star):
        return "*"
    if isinstance(node, exp.Placeholder | exp.Parameter):
        return "a parameter"
    return type(node).__name__
