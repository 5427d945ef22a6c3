// The brand's card payment: Stripe.js (loaded from STRIPE_JS_URL) takes the card number
// straight to Stripe, so it never reaches Pappus. The page then reloads to show the state
// the signed webhook has set. Settings come from the form's data attributes (no inline JS).
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("card-form");
  if (!form || typeof Stripe === "undefined") { return; }
  var stripe = Stripe(form.dataset.publishableKey);
  var card = stripe.elements().create("card");
  card.mount("#card-element");
  var message = document.getElementById("card-message");
  var button = form.querySelector("button[type=submit]");
  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    button.disabled = true;
    message.textContent = form.dataset.working;
    var result = await stripe.confirmCardPayment(form.dataset.clientSecret, {payment_method: {card: card}});
    if (result.error) {
      message.textContent = result.error.message;
      button.disabled = false;
    } else {
      window.location.assign(form.dataset.doneUrl);
    }
  });
});
