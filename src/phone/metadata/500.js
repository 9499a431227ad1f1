export default {"FK":["500","00","[2-7]\\d{4}",[5]]};
