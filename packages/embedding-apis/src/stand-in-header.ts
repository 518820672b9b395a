/** Every response of vlmopt's stand-in servers carries this header ("1"), so runs are labelled. */
export const STAND_IN_HEADER = "x-vlmopt-stand-in";
