/*
 * Pappus development tools: extends localstripe's stand-in Stripe.js (served just above
 * this, in the same script). Copyright the Pappus contributors; GPL-3.0-or-later, like
 * localstripe (Copyright 2017 Adrien Vergé). Never served by the app itself.
 *
 * What a card payment page needs that localstripe's version lacks:
 * - stripe.confirmCardPayment(clientSecret, {payment_method: {card: cardElement}}) confirms
 *   the PaymentIntent with the typed card (the local server charges it, declining Stripe's
 *   declining test cards), then runs the 3-D Secure dialog when the card asks for one;
 * - the card element's fields have readable placeholders and labels, and accept a card
 *   number typed with spaces and a two- or four-digit year.
 */
(function () {
  'use strict';
  const makeLocalStripe = Stripe;
  const digits = (value) => String(value || '').replace(/\D/g, '');
  const LABELS = {
    number: 'Card number', exp_month: 'MM', exp_year: 'YY', cvc: 'CVC', postal_code: 'ZIP',
  };

  const mount = Element.prototype.mount;
  Element.prototype.mount = function (domElement) {
    mount.call(this, domElement);
    Object.keys(LABELS).forEach((field) => {
      const input = this._inputs && this._inputs[field];
      if (!input) return;
      input.placeholder = LABELS[field];
      input.setAttribute('aria-label', LABELS[field]);
      input.setAttribute('autocomplete', 'off');
      input.name = 'localstripe-' + field;
      if (field !== 'postal_code') input.setAttribute('inputmode', 'numeric');
    });
    if (this._inputs) this._inputs.number.setAttribute('size', 19);
  };

  function typedCard(element) {
    const inputs = element._inputs;
    if (!inputs) throw {error: {type: 'validation_error', message: 'The card form is not shown.'}};
    let year = digits(inputs.exp_year.value);
    if (year.length === 2) year = '20' + year;
    return {
      card: {
        number: digits(inputs.number.value),
        exp_month: digits(inputs.exp_month.value),
        exp_year: year,
        cvc: digits(inputs.cvc.value),
      },
      postalCode: inputs.postal_code.value,
    };
  }

  async function post(path, body) {
    const response = await fetch(LOCALSTRIPE_BASE_API + path, {
      method: 'POST',
      body: JSON.stringify(body),
    });
    const json = await response.json().catch(() => ({}));
    if (response.status !== 200 || json.error) {
      return {error: json.error || {message: 'The payment service did not answer.'}};
    }
    return {body: json};
  }

  Stripe = function (apiKey, options) {
    const stripe = makeLocalStripe(apiKey, options);

    stripe.confirmCardPayment = async function (clientSecret, data) {
      console.log('localstripe (Pappus): Stripe().confirmCardPayment()');
      try {
        const intent = clientSecret.match(/^(pi_\w+)_secret_/)[1];
        const body = {key: apiKey, client_secret: clientSecret};
        const method = data && data.payment_method;
        if (method && method.card) {
          const typed = typedCard(method.card);
          const billing = Object.assign({}, method.billing_details || {});
          billing.address = Object.assign({postal_code: typed.postalCode},
                                          billing.address || {});
          body.payment_method_data = {type: 'card', card: typed.card, billing_details: billing};
        } else if (typeof method === 'string') {
          body.payment_method = method;
        }
        let result = await post(`/v1/payment_intents/${intent}/confirm`, body);
        if (result.error) return {error: result.error};
        if (result.body.status === 'requires_action') {
          const success = await openModal('3D Secure\nDo you want to confirm or cancel?',
                                          'Complete authentication', 'Fail authentication');
          result = await post(`/v1/payment_intents/${intent}/_authenticate?success=${success}`,
                              {key: apiKey, client_secret: clientSecret});
          if (result.error) return {error: result.error};
          if (result.body.status !== 'succeeded') {
            return {error: {
              type: 'card_error', code: 'payment_intent_authentication_failure',
              message: 'We are unable to authenticate your payment method. ' +
                       'Please choose a different payment method and try again.',
            }};
          }
        }
        return {paymentIntent: result.body};
      } catch (err) {
        return (typeof err === 'object' && err.error) ? err : {error: {message: String(err)}};
      }
    };
    stripe.handleCardPayment = function (clientSecret, element, data) {  // deprecated name
      return stripe.confirmCardPayment(clientSecret, {
        payment_method: Object.assign({card: element}, (data || {}).payment_method_data || {}),
      });
    };
    return stripe;
  };
})();
