import { Csrf } from './layout';

/**
 * A one-button form that flips a yes/no choice of the person's own (sharing their numbers, the
 * weekly digest): it posts `name` as the opposite of `on`, and its label says what it will do.
 */
export function FlipForm(props: { csrf: string; action: string; name: string; on: boolean; start: string; stop: string }) {
  return (
    <form method="post" action={props.action} class="inline">
      <Csrf token={props.csrf} />
      <input type="hidden" name={props.name} value={props.on ? 'false' : 'true'} />
      <button type="submit" class={props.on ? 'secondary' : ''}>
        {props.on ? props.stop : props.start}
      </button>
    </form>
  );
}
