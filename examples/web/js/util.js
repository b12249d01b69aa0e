// util.js: small helpers shared by the modules of the site.
const symbols = { EUR: "€", USD: "$", GBP: "£", CHF: "CHF ", JPY: "¥" };

// formatMoney renders a decimal string amount; it never goes through a float.
export function formatMoney(amount, currency) {
  const sym = symbols[currency] ?? `${currency} `;
  return `${sym}${amount}`;
}
