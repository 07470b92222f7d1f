"""A safe calculator: arithmetic parsed with `ast`, never `eval`.

Allowed: numbers, + − × ÷ // % **, unary ±, parentheses, and a few named functions
(sqrt, log, exp, ...). Anything else (names, attributes, calls of other things) is refused
with a message. Exponents and results are bounded so a request cannot hang the server.
"""

from __future__ import annotations

import ast
import math
import operator

MAX_EXPRESSION_CHARS = 200
MAX_EXPONENT = 1000
MAX_MAGNITUDE = 1e300

_BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_UNARY = {ast.UAdd: operator.pos, ast.USub: operator.neg}
FUNCTIONS = {
    "sqrt": math.sqrt,
    "log": math.log,
    "log2": math.log2,
    "log10": math.log10,
    "exp": math.exp,
    "abs": abs,
    "round": round,
    "min": min,
    "max": max,
}
CONSTANTS = {"pi": math.pi, "e": math.e}


class CalculatorError(ValueError):
    """The expression cannot be computed; the message says why."""


def calculate(expression: str) -> float:
    """The value of an arithmetic `expression` such as '6 * 7e9 * 2e12' or 'sqrt(2)'."""
    if not isinstance(expression, str) or not expression.strip():
        raise CalculatorError("Please give an arithmetic expression.")
    if len(expression) > MAX_EXPRESSION_CHARS:
        raise CalculatorError(f"The expression is longer than {MAX_EXPRESSION_CHARS} characters.")
    text = expression.replace("×", "*").replace("÷", "/").replace("−", "-").replace("^", "**")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        raise CalculatorError(f"'{expression.strip()}' is not an arithmetic expression.") from None
    try:
        value = _eval(tree.body)
    except ZeroDivisionError:
        raise CalculatorError("Division by zero.") from None
    except (OverflowError, ValueError) as err:
        if isinstance(err, CalculatorError):
            raise
        raise CalculatorError(f"Cannot compute that: {err}.") from None
    if isinstance(value, complex) or not math.isfinite(float(value)):
        raise CalculatorError("The result is not a finite real number.")
    return float(value)


def _eval(node: ast.AST):
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return node.value
    if isinstance(node, ast.Name) and node.id in CONSTANTS:
        return CONSTANTS[node.id]
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _eval(node.left), _eval(node.right)
        if isinstance(node.op, ast.Pow) and abs(right) > MAX_EXPONENT:
            raise CalculatorError(f"Exponents above {MAX_EXPONENT} are not allowed.")
        result = _BINARY[type(node.op)](left, right)
        if isinstance(result, (int, float)) and abs(result) > MAX_MAGNITUDE:
            raise CalculatorError("The result is too large.")
        return result
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _UNARY[type(node.op)](_eval(node.operand))
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in FUNCTIONS
        and not node.keywords
        and 1 <= len(node.args) <= 4
    ):
        return FUNCTIONS[node.func.id](*(_eval(a) for a in node.args))
    what = type(node).__name__
    if isinstance(node, ast.Name):
        what = f"the name '{node.id}'"
    raise CalculatorError(f"Only numbers, + - * / ** ( ) and {', '.join(FUNCTIONS)}; not {what}.")
