// Describes a model state for the page: its top-level members, the shape of each array and
// how many numbers each contains. Works on the value JSON.parse returned.

// Returns "array", "object", "null", "number", "string" or "boolean".
export function jsonType(value) {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'array';
  }
  return typeof value;
}

// Counts the numbers anywhere inside value. It walks with an explicit stack and pushes
// children one by one, because spreading an array of a million numbers into push()
// overflows the call stack.
export function countNumbers(value) {
  let count = 0;
  const pending = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (typeof item === 'number') {
      count += 1;
    } else if (item !== null && typeof item === 'object') {
      for (const child of Array.isArray(item) ? item : Object.values(item)) {
        pending.push(child);
      }
    }
  }
  return count;
}

/**
 * Returns the shape of an array as { dims, element }: dims lists the length of each level
 * for as long as every element of a level is an array of the same shape, and element is
 * the JSON type of what the innermost level contains ("mixed" when the types differ).
 * An array of arrays of different shapes stops at the outer level with element "array".
 * For [[1,2],[3,4],[5,6]] it returns { dims: [3, 2], element: "number" }.
 */
export function arrayShape(array) {
  if (array.length === 0) {
    return { dims: [0], element: 'none' };
  }

  const types = new Set(array.map(jsonType));
  if (types.size > 1) {
    return { dims: [array.length], element: 'mixed' };
  }
  const [element] = types;
  if (element !== 'array') {
    return { dims: [array.length], element };
  }

  const inner = array.map(arrayShape);
  const first = inner[0];
  const regular = inner.every(
    (shape) => shape.element === first.element && shape.dims.join() === first.dims.join(),
  );
  if (!regular) {
    return { dims: [array.length], element: 'array' };
  }
  return { dims: [array.length, ...first.dims], element: first.element };
}

const ELEMENT_NOUNS = {
  number: 'numbers',
  string: 'strings',
  boolean: 'booleans',
  null: 'nulls',
  object: 'objects',
  array: 'arrays of different shapes',
  mixed: 'mixed values',
  none: 'empty',
};

// Returns a shape as text, such as "3 × 4 numbers" or "25 objects".
export function formatShape(shape) {
  if (shape.element === 'none') {
    return 'empty array';
  }
  return `${shape.dims.join(' × ')} ${ELEMENT_NOUNS[shape.element]}`;
}

function describeMember(name, value, depth) {
  const type = jsonType(value);
  let shape = '';
  let dims = '';
  if (type === 'array') {
    const shapeOfValue = arrayShape(value);
    shape = formatShape(shapeOfValue);
    dims = shapeOfValue.dims.join('x');
  } else if (type === 'object') {
    const memberCount = Object.keys(value).length;
    shape = `${memberCount} ${memberCount === 1 ? 'member' : 'members'}`;
  }
  return { name, depth, type, shape, dims, numbers: countNumbers(value) };
}

/**
 * Returns one row per top-level member of the state, { name, depth, type, shape, dims,
 * numbers }, each followed by rows for its own members when it is an object (depth 1, named
 * "parent.child"). shape is the array shape as text for arrays ("3 × 4 numbers"), with dims
 * its lengths joined by "x" ("3x4"), "N members" for objects, and "" for other values. A
 * state that is not an object gives one row named "(state)".
 */
export function outlineState(state) {
  if (jsonType(state) !== 'object') {
    return [describeMember('(state)', state, 0)];
  }

  const rows = [];
  for (const [name, value] of Object.entries(state)) {
    rows.push(describeMember(name, value, 0));
    if (jsonType(value) === 'object') {
      for (const [childName, child] of Object.entries(value)) {
        rows.push(describeMember(`${name}.${childName}`, child, 1));
      }
    }
  }
  return rows;
}
